"""Monte Carlo over exchange and product-row uncertainty: sampling, summaries, P(meets spec),
sensitivity and plots."""
