print("atlas-sim")
