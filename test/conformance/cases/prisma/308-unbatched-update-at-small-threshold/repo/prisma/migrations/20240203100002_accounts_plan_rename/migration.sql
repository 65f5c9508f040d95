UPDATE accounts SET plan = 'starter' WHERE plan = 'basic';
