"""The Dash app on a Flask server: wall screens, police view, leaders' KPIs, the REST API, login and roles."""
