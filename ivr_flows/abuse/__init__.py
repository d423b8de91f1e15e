"""What a refused or challenged caller hears (`hotline.abuse` decides who is)."""
