-- AddForeignKey
ALTER TABLE payouts ADD CONSTRAINT payouts_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts (id);

-- CreateIndex
CREATE UNIQUE INDEX payouts_external_id_key ON payouts (external_id);

-- CreateIndex
CREATE INDEX payouts_account_id_idx ON payouts (account_id);
