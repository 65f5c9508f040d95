DO $$
DECLARE
  n integer;
BEGIN
  LOOP
    UPDATE payments SET method = 'card'
     WHERE id IN (SELECT id FROM payments WHERE method IN ('visa', 'mastercard') LIMIT 10000);
    GET DIAGNOSTICS n = ROW_COUNT;
    EXIT WHEN n = 0;
  END LOOP;
END
$$;
