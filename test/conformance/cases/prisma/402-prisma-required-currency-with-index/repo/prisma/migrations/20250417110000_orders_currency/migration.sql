-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "currency" CHAR(3) NOT NULL DEFAULT 'EUR';

-- CreateIndex
CREATE INDEX "orders_currency_idx" ON "orders"("currency");
