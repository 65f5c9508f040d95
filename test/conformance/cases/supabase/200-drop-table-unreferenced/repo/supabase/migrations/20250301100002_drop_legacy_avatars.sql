DROP TABLE legacy_avatars;
