"""Remote providers of the vector IO API."""
