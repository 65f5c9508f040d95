DROP INDEX CONCURRENTLY order_archive_note_idx;
