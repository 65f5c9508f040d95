UPDATE readings SET value = round(value::numeric, 3)::double precision;
