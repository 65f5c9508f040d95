DROP TABLE sites;
DROP TABLE readings;
DROP TABLE devices;
