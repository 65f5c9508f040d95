ALTER TYPE payment_method ADD VALUE 'wallet';
