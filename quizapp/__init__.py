"""quizapp: terminal drills for the JDLA G検定 / E資格 exams."""

__version__ = "0.1.0"
