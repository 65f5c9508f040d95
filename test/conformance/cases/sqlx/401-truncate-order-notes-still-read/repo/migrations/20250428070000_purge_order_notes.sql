-- GDPR clean-up requested by legal: notes contain free-text PII.
TRUNCATE order_notes;
