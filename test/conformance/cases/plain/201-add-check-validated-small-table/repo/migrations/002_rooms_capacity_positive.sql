ALTER TABLE rooms ADD CONSTRAINT rooms_capacity_positive CHECK (capacity > 0);
