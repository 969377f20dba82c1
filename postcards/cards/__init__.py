"""Cards: what goes where on each card (plans), the design, the content check."""
