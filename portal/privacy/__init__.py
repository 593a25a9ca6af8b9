"""What the public pages may show and accept, one module per concern (pure functions, no Streamlit): `masks`
(masked names, age bands), `row_tokens` (opaque row tokens and their secret), `user_text` (cleaned and escaped
text), `search_input` (NIK-shaped input refused, the name search key), `throttle` and `photos` (sanitising).

DOMAIN.md ("What may be public") is the rule book: a public page shows a masked name, age or age band, desa,
RT/RW, programmes, status and period, never a NIK or No KK, and a public search must not act as an oracle.
"""
