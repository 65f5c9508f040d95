DELETE FROM events WHERE occurred_at < '2020-01-01';
