CREATE TABLE follows (
  follower_id bigint NOT NULL REFERENCES profiles (id),
  followee_id bigint NOT NULL REFERENCES profiles (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (follower_id, followee_id)
);

CREATE INDEX follows_followee_id_idx ON follows (followee_id);

ALTER TABLE follows ENABLE ROW LEVEL SECURITY;

CREATE POLICY follows_owner ON follows
  USING (follower_id = current_setting('app.profile_id', true)::bigint);
