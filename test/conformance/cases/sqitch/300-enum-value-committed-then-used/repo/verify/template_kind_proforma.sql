-- Verify billing:template_kind_proforma on pg

SELECT 1;
