-- Verify billing:create_billing on pg

SELECT 1;
