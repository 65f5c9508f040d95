UPDATE readings SET metric = 'celsius' WHERE metric = 'temp';
