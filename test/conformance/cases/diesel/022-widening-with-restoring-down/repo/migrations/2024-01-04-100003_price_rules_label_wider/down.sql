DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM price_rules WHERE length(label) > 40) THEN
    RAISE EXCEPTION 'labels longer than 40 characters exist; shorten them before rolling back';
  END IF;
END
$$;
ALTER TABLE price_rules ALTER COLUMN label TYPE varchar(40);
