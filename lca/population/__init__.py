"""Many products at once: catalogues, batch scores and verdicts, screening, design variations,
threshold calibration and synthetic populations."""
