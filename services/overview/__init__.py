"""The overview: My day and the patient summary, gathered from every room. Uses every
room but demo."""
