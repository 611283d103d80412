print("envdrift")
