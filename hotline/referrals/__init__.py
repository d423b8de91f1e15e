"""The directory of support offers (Hilfsangebote) and the referrals made to them."""
