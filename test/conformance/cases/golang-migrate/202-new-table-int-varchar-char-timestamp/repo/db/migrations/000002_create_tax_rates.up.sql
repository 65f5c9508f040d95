CREATE TABLE tax_rates (
  id serial PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES accounts (id),
  label varchar(255) NOT NULL,
  country char(2) NOT NULL,
  rate_bp integer NOT NULL,
  valid_from timestamp NOT NULL DEFAULT now()
);

CREATE INDEX tax_rates_account_id_idx ON tax_rates (account_id);
