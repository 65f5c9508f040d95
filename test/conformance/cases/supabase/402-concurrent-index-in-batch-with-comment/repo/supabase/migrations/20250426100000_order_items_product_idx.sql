create index concurrently if not exists order_items_product_id_idx
  on public.order_items (product_id);

comment on index public.order_items_product_id_idx is 'product sales report';
