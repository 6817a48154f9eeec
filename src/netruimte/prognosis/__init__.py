"""Prognosis: from region and scenario to the load cube L[weather_year, time, area]."""
