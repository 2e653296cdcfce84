"""``marsad serve``: JSON API and right-to-left pages over a store."""
