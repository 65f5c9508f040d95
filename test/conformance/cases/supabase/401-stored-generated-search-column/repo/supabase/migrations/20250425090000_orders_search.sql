-- Full-text search over orders for the support dashboard.
set lock_timeout = '5s';

alter table public.orders
  add column search tsvector
  generated always as (to_tsvector('simple', coalesce(status, '') || ' ' || coalesce(channel, ''))) stored;

create index orders_search_idx on public.orders using gin (search);
