"""Names for the demo customers, with the accents of each language."""

FIRST_NAMES = {
    "pt": ["Ana", "Maria", "Júlia", "Beatriz", "Letícia", "Camila", "Fernanda", "Larissa", "Luíza", "Gabriela",
           "João", "Lucas", "Mateus", "Thaís", "Vitória", "Conceição", "Lívia", "Mônica", "Débora", "Márcia"],
    "es": ["María", "Sofía", "Valentina", "Camila", "Lucía", "Ximena", "Daniela", "Mariana", "Andrea", "Paula",
           "José", "Andrés", "Martín", "Inés", "Begoña", "Marisol", "Ángela", "Verónica", "Mónica", "Renata"],
    "en": ["Emily", "Olivia", "Sophia", "Emma", "Ava", "Mia", "Grace", "Chloe", "Daniel", "James"],
}
LAST_NAMES = {
    "pt": ["Silva", "Santos", "Oliveira", "Souza", "Pereira", "Lima", "Carvalho", "Gonçalves", "Araújo",
           "Ribeiro", "Magalhães", "Conceição", "Simões", "Galvão", "Brandão"],
    "es": ["García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez", "Ramírez",
           "Núñez", "Muñoz", "Gutiérrez", "Jiménez", "Peña", "Ibáñez"],
    "en": ["Smith", "Johnson", "Brown", "Taylor", "Miller", "Davis", "Wilson", "Moore"],
}
EMAIL_DOMAINS = ["gmail.com", "hotmail.com", "outlook.com", "yahoo.com", "uol.com.br", "icloud.com"]
DIAL_CODES = {"br": "55", "mx": "52", "co": "57", "ar": "54", "cl": "56", "pe": "51", "uy": "598",
              "ec": "593", "cr": "506", "pa": "507", "us": "1", "es": "34"}
