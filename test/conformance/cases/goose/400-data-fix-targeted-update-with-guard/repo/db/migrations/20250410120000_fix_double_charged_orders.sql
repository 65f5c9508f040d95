-- +goose Up
-- INC-2291: three orders were captured twice by the PSP retry bug; mark them refunded.
-- +goose StatementBegin
DO $$
DECLARE n integer;
BEGIN
  UPDATE orders SET status = 'refunded'
   WHERE id IN (918273, 918274, 918301) AND status = 'paid';
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n > 3 THEN
    RAISE EXCEPTION 'expected at most 3 rows, got %', n;
  END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
UPDATE orders SET status = 'paid'
 WHERE id IN (918273, 918274, 918301) AND status = 'refunded';
