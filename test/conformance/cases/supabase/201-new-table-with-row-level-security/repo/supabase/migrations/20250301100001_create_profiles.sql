CREATE TABLE profiles (
  id bigint PRIMARY KEY,
  handle text NOT NULL,
  bio text
);

CREATE TABLE legacy_avatars (
  profile_id bigint PRIMARY KEY,
  image bytea NOT NULL
);
