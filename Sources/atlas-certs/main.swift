print("atlas-certs")
