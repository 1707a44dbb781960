"""A description split over thousands of files: how long bundling and loading take."""
