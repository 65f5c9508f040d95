-- Revert app:reindex_bookings_room from pg

-- nothing to revert: REINDEX has no inverse
