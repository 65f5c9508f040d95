UPDATE events SET kind = lower(kind) WHERE kind <> lower(kind);
