"""Showing posts' pictures: beside the text on the Label tab, full size, and as thumbnails."""
