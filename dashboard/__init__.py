"""Descent Lab's presentation: everything Streamlit, Altair and page text.

The page is built from one context per rerun (`context.ViewContext`) handed to the views
listed in one registry (`views.VIEWS`). Settings are declared once (`fields.FIELDS`): the
settings object, the link round trip and the widgets all come from that table. Every number
comes from `logreg_core`; this package only lays numbers out and says what they mean.
"""
