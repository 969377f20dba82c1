"""The page: geometry and layouts, fonts, text fitting, QR symbols, drawing."""
