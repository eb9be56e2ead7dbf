"""nbgrader configuration for the course (read by nbgrader and by `autograder`)."""
c = get_config()  # noqa: F821 (provided by nbgrader/traitlets)

c.CourseDirectory.course_id = "ml-course"
c.CourseDirectory.root = "."
# Jupytext pairs (source/weekNN/weekNN.py) hold the solutions: never copy them into releases.
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "week[0-9][0-9].py", ".jupytext*",
]
# The stub says what to do in the traceback a learner sees in every test cell of an unsolved exercise.
c.ClearSolutions.code_stub = {
    "python": '# YOUR CODE HERE\nraise NotImplementedError("not implemented yet: replace this line with your code")'}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# A runaway cell must not hang a whole grading batch.
c.ExecutePreprocessor.timeout = 120
