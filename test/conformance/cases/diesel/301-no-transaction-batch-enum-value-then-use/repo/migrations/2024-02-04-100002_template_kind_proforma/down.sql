-- enum values cannot be removed; only the data change is reverted
UPDATE invoice_templates SET kind = 'standard' WHERE id = 3;
