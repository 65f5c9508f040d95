CREATE INDEX accounts_name_idx ON accounts (name);
