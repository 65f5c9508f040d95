DO $$
DECLARE
  done integer;
BEGIN
  LOOP
    UPDATE orders SET status = 'open'
     WHERE id IN (SELECT id FROM orders WHERE status = 'new' LIMIT 5000);
    GET DIAGNOSTICS done = ROW_COUNT;
    EXIT WHEN done = 0;
    COMMIT;
    PERFORM pg_sleep(0.2);
  END LOOP;
END
$$;
