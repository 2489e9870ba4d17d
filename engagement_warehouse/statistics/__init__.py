"""Pure statistics (numpy/scipy only, no I/O): NPS/CSAT intervals and the BG/NBD, Gamma-Gamma and
shifted-beta-geometric customer-base models with maximum-likelihood fits."""
