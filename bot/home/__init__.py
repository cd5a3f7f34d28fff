"""The App Home: what each person sees on Liaison's Home tab, and publishing it safely."""
