"""Public open data: the funded projects of the calls the fund publishes, their downloads and
the picture of the money between provinces. Above projects, beside the office and the site."""
