"""Page families of the web app, one blueprint each."""
