"""nbgrader configuration for the course (read by nbgrader and by `autograder`)."""
c = get_config()  # noqa: F821 (provided by nbgrader/traitlets)

c.CourseDirectory.course_id = "ml-course"
c.CourseDirectory.root = "."
# Jupytext pairs (source/NAME/NAME.py) hold the solutions: never copy them into releases (`autograder build`
# also refuses a release with its pair in it).  An assignment folder holds nothing else in Python, so every .py
# is ignored when nbgrader copies a folder (a learner's stray .py next to a submission is not graded either).
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.py", ".jupytext*",
]
# The stub says what to do in the traceback a learner sees in every test cell of an unsolved exercise.
c.ClearSolutions.code_stub = {
    "python": '# YOUR CODE HERE\nraise NotImplementedError("not implemented yet: replace this line with your code")'}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# A runaway cell must not hang a whole grading batch.
c.ExecutePreprocessor.timeout = 120
