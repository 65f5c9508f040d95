ALTER TABLE events_archive ADD PRIMARY KEY (id);
