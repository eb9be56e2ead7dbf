# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: nbgrader,tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,-all
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The interview track — fundamentals, algorithms from scratch, deep learning, system design
#
# The source syllabus closes with a four-week **interview preparation track**. This notebook is that track in four
# parts, each a kind of question interviewers ask, plus the syllabus's list of what you must be able to explain:
#
# | part | the source's week | what you do | how it is graded |
# |---|---|---|---|
# | 1 | ML fundamentals | twenty short questions of your own, drawn from a bank of forty (bias–variance, overfitting, cross-validation, metrics, imbalanced data, regularisation) | automatically; the explanation of each reaches your feedback |
# | 2 | algorithms | five timed drills: write five of the course's graded functions again, from scratch, against the clock | automatically, by the same checks as the weeks (not by time) |
# | 3 | deep learning | derive backpropagation; explain five architectures; compute shapes and parameter counts | written answers by a person with a rubric; the counts against `torch.nn` |
# | 4 | ML system design | five design prompts about production: drift, scaling, latency | written answers by a person with a rubric |
# | 5 | must-know list | each item linked to where the course teaches it, with a self-check | not graded |
# | 6 | checkpoint | two questions (one with numbers of your own) | automatically |
#
# Interviews reward *explaining* as much as knowing. For every answer here, practise saying **why** out loud in two
# sentences: that is what the explanations in your feedback and the model answers are written to show.

# %% [markdown]
# ## How to work this notebook
#
# 1. **Run the cells in order**, from the top (the imports cell first). If something looks odd, use
#    *Kernel → Restart Kernel and Run All Cells*.
# 2. **Type your student id** into the id cell of Part 1 (on JupyterHub it is filled in for you): your twenty
#    questions and the checkpoint's numbers are drawn from it, so a neighbour's answers do not fit yours.
# 3. Where a cell says `# YOUR CODE HERE` and `raise NotImplementedError()`, delete the `raise` line and write your
#    answer (Part 2's functions with **NumPy** only). Markdown cells that say "YOUR ANSWER HERE" are written answers.
# 4. The cell under each answer checks its **format** (or, for a function, small cases you can work out by hand).
#    Whether an answer is right is decided when the notebook is graded, by **hidden tests**: for Part 1 your own
#    draw's answers, for Parts 2 and 3 randomized inputs compared with NumPy, scikit-learn and `torch`. Try the
#    functions on fresh random inputs as often as you like, e.g. `check("week05.kmeans", kmeans)`.

# %%
# %matplotlib inline
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from course.checks import expect_close, expect_equal, expect_choice, expect_true
from course.exercises import check, grade
from course.exercises.interview import QUIZ_KEYS, SLOTS, TOPICS, quiz_table, show_draw
from course.explorers import threshold_explorer
from course.variants import parameters, set_student_id, show_question, variant_answer

np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 3)
notebook_started = time.perf_counter()

# %% [markdown]
# ## Part 1 — ML fundamentals: twenty questions of your own
#
# The bank holds **forty** questions in twenty slots; each slot belongs to one of six topics, and holds two
# alternative questions. Your draw takes one question per slot, with its own numbers, and shuffles the options of
# the multiple-choice ones: twenty questions, every topic covered, and answers that are yours alone. The same id
# always draws the same questions (on any machine, at any regrade).

# %%
bank_table = pd.DataFrame([{"slot": k, "topic": topic, "alternatives": " / ".join(q.qid for q in alternatives)}
                           for k, (topic, alternatives) in enumerate(SLOTS, 1)]).set_index("slot")
print(f"{sum(len(a) for _, a in SLOTS)} questions in {len(SLOTS)} slots over {len(TOPICS)} topics:",
      pd.Series([t for t, _ in SLOTS]).value_counts().to_dict())
bank_table

# %% [markdown]
# On JupyterHub your id is your user name, filled in for you; on your own machine type the id your instructor uses
# for you between the quotes below (studying alone? leave it empty: you get the self-study draw).

# %%
my_id = set_student_id("")
print(f"Your questions are drawn for the id {my_id!r}.")

# %% [markdown]
# ### Your twenty questions
#
# Answer each with a **number**: the value for a numeric question (fractions as decimals, e.g. 0.75, to at least
# three significant figures), the **option's number** (1, 2, 3 or 4) for a multiple-choice question. Work them out
# with pencil and paper or a few lines of NumPy; the explorer below the questions helps with the ones on metrics
# and imbalanced data.

# %%
show_draw()

# %% [markdown]
# An explorer for the imbalanced-data and metric questions: a classifier's scores for two classes, a decision
# threshold, the share of positives. Move **share of positives** down to a few per cent and watch accuracy stay high
# while precision collapses, and the ROC curve stay where it is while the precision–recall curve sinks.

# %%
threshold_explorer()

# %% [markdown]
# Write your answers into the dict `answers`, keyed by the question's label, e.g. `answers["Q1"] = 2` (option 2)
# and `answers["Q2"] = 0.66`. The table under the test cells lists your draw's topics and what you answered.

# %% nbgrader={"grade": false, "grade_id": "quiz_answers", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set answers to a dict of your twenty answers, keyed "Q1" … "Q20", for example
# answers = {"Q1": 2, "Q2": 0.66, "Q3": 0.12, ...}
### BEGIN SOLUTION
answers = {f"Q{position}": variant_answer(key) for position, key in enumerate(QUIZ_KEYS, 1)}
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "quiz_q01", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Question 1 of your draw. This cell checks only that there is a number; whether it is right is decided when the
# notebook is graded, and the explanation then reaches your feedback.
expect_true(isinstance(answers.get("Q1"), (int, float, np.integer, np.floating))
            and not isinstance(answers.get("Q1"), bool),
            f"answers['Q1'] should be a number (for a choice question, the option's number); got {answers.get('Q1')!r}.",
            name="answers['Q1'] is a number")
### BEGIN HIDDEN TESTS
expect_close(answers["Q1"], variant_answer("interview.q01"), rtol=5e-3, atol=1e-9,
             name=parameters("interview.q01")["why"])
print("✓", parameters("interview.q01")["why"].removesuffix(": your answer"))
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "quiz_q02", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Question 2 of your draw. This cell checks only that there is a number; whether it is right is decided when the
# notebook is graded, and the explanation then reaches your feedback.
expect_true(isinstance(answers.get("Q2"), (int, float, np.integer, np.floating))
            and not isinstance(answers.get("Q2"), bool),
            f"answers['Q2'] should be a number (for a choice question, the option's number); got {answers.get('Q2')!r}.",
            name="answers['Q2'] is a number")
### BEGIN HIDDEN TESTS
expect_close(answers["Q2"], variant_answer("interview.q02"), rtol=5e-3, atol=1e-9,
             name=parameters("interview.q02")["why"])
print("✓", parameters("interview.q02")["why"].removesuffix(": your answer"))
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "quiz_q03", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Question 3 of your draw. This cell checks only that there is a number; whether it is right is decided when the
# notebook is graded, and the explanation then reaches your feedback.
expect_true(isinstance(answers.get("Q3"), (int, float, np.integer, np.floating))
            and not isinstance(answers.get("Q3"), bool),
            f"answers['Q3'] should be a number (for a choice question, the option's number); got {answers.get('Q3')!r}.",
            name="answers['Q3'] is a number")
### BEGIN HIDDEN TESTS
expect_close(answers["Q3"], variant_answer("interview.q03"), rtol=5e-3, atol=1e-9,
             name=parameters("interview.q03")["why"])
print("✓", parameters("interview.q03")["why"].removesuffix(": your answer"))
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "quiz_q04", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Question 4 of your draw. This cell checks only that there is a number; whether it is right is decided when the
# notebook is graded, and the explanation then reaches your feedback.
expect_true(isinstance(answers.get("Q4"), (int, float, np.integer, np.floating))
            and not isinstance(answers.get("Q4"), bool),
            f"answers['Q4'] should be a number (for a choice question, the option's number); got {answers.get('Q4')!r}.",
            name="answers['Q4'] is a number")
### BEGIN HIDDEN TESTS
expect_close(answers["Q4"], variant_answer("interview.q04"), rtol=5e-3, atol=1e-9,
             name=parameters("interview.q04")["why"])
print("✓", parameters("interview.q04")["why"].removesuffix(": your answer"))
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "quiz_q05", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Question 5 of your draw. This cell checks only that there is a number; whether it is right is decided when the
# notebook is graded, and the explanation then reaches your feedback.
expect_true(isinstance(answers.get("Q5"), (int, float, np.integer, np.floating))
            and not isinstance(answers.get("Q5"), bool),
            f"answers['Q5'] should be a number (for a choice question, the option's number); got {answers.get('Q5')!r}.",
            name="answers['Q5'] is a number")
### BEGIN HIDDEN TESTS
expect_close(answers["Q5"], variant_answer("interview.q05"), rtol=5e-3, atol=1e-9,
             name=parameters("interview.q05")["why"])
print("✓", parameters("interview.q05")["why"].removesuffix(": your answer"))
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "quiz_q06", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Question 6 of your draw. This cell checks only that there is a number; whether it is right is decided when the
# notebook is graded, and the explanation then reaches your feedback.
expect_true(isinstance(answers.get("Q6"), (int, float, np.integer, np.floating))
            and not isinstance(answers.get("Q6"), bool),
            f"answers['Q6'] should be a number (for a choice question, the option's number); got {answers.get('Q6')!r}.",
            name="answers['Q6'] is a number")
### BEGIN HIDDEN TESTS
expect_close(answers["Q6"], variant_answer("interview.q06"), rtol=5e-3, atol=1e-9,
             name=parameters("interview.q06")["why"])
print("✓", parameters("interview.q06")["why"].removesuffix(": your answer"))
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "quiz_q07", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Question 7 of your draw. This cell checks only that there is a number; whether it is right is decided when the
# notebook is graded, and the explanation then reaches your feedback.
expect_true(isinstance(answers.get("Q7"), (int, float, np.integer, np.floating))
            and not isinstance(answers.get("Q7"), bool),
            f"answers['Q7'] should be a number (for a choice question, the option's number); got {answers.get('Q7')!r}.",
            name="answers['Q7'] is a number")
### BEGIN HIDDEN TESTS
expect_close(answers["Q7"], variant_answer("interview.q07"), rtol=5e-3, atol=1e-9,
             name=parameters("interview.q07")["why"])
print("✓", parameters("interview.q07")["why"].removesuffix(": your answer"))
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "quiz_q08", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Question 8 of your draw. This cell checks only that there is a number; whether it is right is decided when the
# notebook is graded, and the explanation then reaches your feedback.
expect_true(isinstance(answers.get("Q8"), (int, float, np.integer, np.floating))
            and not isinstance(answers.get("Q8"), bool),
            f"answers['Q8'] should be a number (for a choice question, the option's number); got {answers.get('Q8')!r}.",
            name="answers['Q8'] is a number")
### BEGIN HIDDEN TESTS
expect_close(answers["Q8"], variant_answer("interview.q08"), rtol=5e-3, atol=1e-9,
             name=parameters("interview.q08")["why"])
print("✓", parameters("interview.q08")["why"].removesuffix(": your answer"))
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "quiz_q09", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Question 9 of your draw. This cell checks only that there is a number; whether it is right is decided when the
# notebook is graded, and the explanation then reaches your feedback.
expect_true(isinstance(answers.get("Q9"), (int, float, np.integer, np.floating))
            and not isinstance(answers.get("Q9"), bool),
            f"answers['Q9'] should be a number (for a choice question, the option's number); got {answers.get('Q9')!r}.",
            name="answers['Q9'] is a number")
### BEGIN HIDDEN TESTS
expect_close(answers["Q9"], variant_answer("interview.q09"), rtol=5e-3, atol=1e-9,
             name=parameters("interview.q09")["why"])
print("✓", parameters("interview.q09")["why"].removesuffix(": your answer"))
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "quiz_q10", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Question 10 of your draw. This cell checks only that there is a number; whether it is right is decided when the
# notebook is graded, and the explanation then reaches your feedback.
expect_true(isinstance(answers.get("Q10"), (int, float, np.integer, np.floating))
            and not isinstance(answers.get("Q10"), bool),
            f"answers['Q10'] should be a number (for a choice question, the option's number); got {answers.get('Q10')!r}.",
            name="answers['Q10'] is a number")
### BEGIN HIDDEN TESTS
expect_close(answers["Q10"], variant_answer("interview.q10"), rtol=5e-3, atol=1e-9,
             name=parameters("interview.q10")["why"])
print("✓", parameters("interview.q10")["why"].removesuffix(": your answer"))
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "quiz_q11", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Question 11 of your draw. This cell checks only that there is a number; whether it is right is decided when the
# notebook is graded, and the explanation then reaches your feedback.
expect_true(isinstance(answers.get("Q11"), (int, float, np.integer, np.floating))
            and not isinstance(answers.get("Q11"), bool),
            f"answers['Q11'] should be a number (for a choice question, the option's number); got {answers.get('Q11')!r}.",
            name="answers['Q11'] is a number")
### BEGIN HIDDEN TESTS
expect_close(answers["Q11"], variant_answer("interview.q11"), rtol=5e-3, atol=1e-9,
             name=parameters("interview.q11")["why"])
print("✓", parameters("interview.q11")["why"].removesuffix(": your answer"))
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "quiz_q12", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Question 12 of your draw. This cell checks only that there is a number; whether it is right is decided when the
# notebook is graded, and the explanation then reaches your feedback.
expect_true(isinstance(answers.get("Q12"), (int, float, np.integer, np.floating))
            and not isinstance(answers.get("Q12"), bool),
            f"answers['Q12'] should be a number (for a choice question, the option's number); got {answers.get('Q12')!r}.",
            name="answers['Q12'] is a number")
### BEGIN HIDDEN TESTS
expect_close(answers["Q12"], variant_answer("interview.q12"), rtol=5e-3, atol=1e-9,
             name=parameters("interview.q12")["why"])
print("✓", parameters("interview.q12")["why"].removesuffix(": your answer"))
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "quiz_q13", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Question 13 of your draw. This cell checks only that there is a number; whether it is right is decided when the
# notebook is graded, and the explanation then reaches your feedback.
expect_true(isinstance(answers.get("Q13"), (int, float, np.integer, np.floating))
            and not isinstance(answers.get("Q13"), bool),
            f"answers['Q13'] should be a number (for a choice question, the option's number); got {answers.get('Q13')!r}.",
            name="answers['Q13'] is a number")
### BEGIN HIDDEN TESTS
expect_close(answers["Q13"], variant_answer("interview.q13"), rtol=5e-3, atol=1e-9,
             name=parameters("interview.q13")["why"])
print("✓", parameters("interview.q13")["why"].removesuffix(": your answer"))
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "quiz_q14", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Question 14 of your draw. This cell checks only that there is a number; whether it is right is decided when the
# notebook is graded, and the explanation then reaches your feedback.
expect_true(isinstance(answers.get("Q14"), (int, float, np.integer, np.floating))
            and not isinstance(answers.get("Q14"), bool),
            f"answers['Q14'] should be a number (for a choice question, the option's number); got {answers.get('Q14')!r}.",
            name="answers['Q14'] is a number")
### BEGIN HIDDEN TESTS
expect_close(answers["Q14"], variant_answer("interview.q14"), rtol=5e-3, atol=1e-9,
             name=parameters("interview.q14")["why"])
print("✓", parameters("interview.q14")["why"].removesuffix(": your answer"))
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "quiz_q15", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Question 15 of your draw. This cell checks only that there is a number; whether it is right is decided when the
# notebook is graded, and the explanation then reaches your feedback.
expect_true(isinstance(answers.get("Q15"), (int, float, np.integer, np.floating))
            and not isinstance(answers.get("Q15"), bool),
            f"answers['Q15'] should be a number (for a choice question, the option's number); got {answers.get('Q15')!r}.",
            name="answers['Q15'] is a number")
### BEGIN HIDDEN TESTS
expect_close(answers["Q15"], variant_answer("interview.q15"), rtol=5e-3, atol=1e-9,
             name=parameters("interview.q15")["why"])
print("✓", parameters("interview.q15")["why"].removesuffix(": your answer"))
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "quiz_q16", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Question 16 of your draw. This cell checks only that there is a number; whether it is right is decided when the
# notebook is graded, and the explanation then reaches your feedback.
expect_true(isinstance(answers.get("Q16"), (int, float, np.integer, np.floating))
            and not isinstance(answers.get("Q16"), bool),
            f"answers['Q16'] should be a number (for a choice question, the option's number); got {answers.get('Q16')!r}.",
            name="answers['Q16'] is a number")
### BEGIN HIDDEN TESTS
expect_close(answers["Q16"], variant_answer("interview.q16"), rtol=5e-3, atol=1e-9,
             name=parameters("interview.q16")["why"])
print("✓", parameters("interview.q16")["why"].removesuffix(": your answer"))
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "quiz_q17", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Question 17 of your draw. This cell checks only that there is a number; whether it is right is decided when the
# notebook is graded, and the explanation then reaches your feedback.
expect_true(isinstance(answers.get("Q17"), (int, float, np.integer, np.floating))
            and not isinstance(answers.get("Q17"), bool),
            f"answers['Q17'] should be a number (for a choice question, the option's number); got {answers.get('Q17')!r}.",
            name="answers['Q17'] is a number")
### BEGIN HIDDEN TESTS
expect_close(answers["Q17"], variant_answer("interview.q17"), rtol=5e-3, atol=1e-9,
             name=parameters("interview.q17")["why"])
print("✓", parameters("interview.q17")["why"].removesuffix(": your answer"))
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "quiz_q18", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Question 18 of your draw. This cell checks only that there is a number; whether it is right is decided when the
# notebook is graded, and the explanation then reaches your feedback.
expect_true(isinstance(answers.get("Q18"), (int, float, np.integer, np.floating))
            and not isinstance(answers.get("Q18"), bool),
            f"answers['Q18'] should be a number (for a choice question, the option's number); got {answers.get('Q18')!r}.",
            name="answers['Q18'] is a number")
### BEGIN HIDDEN TESTS
expect_close(answers["Q18"], variant_answer("interview.q18"), rtol=5e-3, atol=1e-9,
             name=parameters("interview.q18")["why"])
print("✓", parameters("interview.q18")["why"].removesuffix(": your answer"))
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "quiz_q19", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Question 19 of your draw. This cell checks only that there is a number; whether it is right is decided when the
# notebook is graded, and the explanation then reaches your feedback.
expect_true(isinstance(answers.get("Q19"), (int, float, np.integer, np.floating))
            and not isinstance(answers.get("Q19"), bool),
            f"answers['Q19'] should be a number (for a choice question, the option's number); got {answers.get('Q19')!r}.",
            name="answers['Q19'] is a number")
### BEGIN HIDDEN TESTS
expect_close(answers["Q19"], variant_answer("interview.q19"), rtol=5e-3, atol=1e-9,
             name=parameters("interview.q19")["why"])
print("✓", parameters("interview.q19")["why"].removesuffix(": your answer"))
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "quiz_q20", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Question 20 of your draw. This cell checks only that there is a number; whether it is right is decided when the
# notebook is graded, and the explanation then reaches your feedback.
expect_true(isinstance(answers.get("Q20"), (int, float, np.integer, np.floating))
            and not isinstance(answers.get("Q20"), bool),
            f"answers['Q20'] should be a number (for a choice question, the option's number); got {answers.get('Q20')!r}.",
            name="answers['Q20'] is a number")
### BEGIN HIDDEN TESTS
expect_close(answers["Q20"], variant_answer("interview.q20"), rtol=5e-3, atol=1e-9,
             name=parameters("interview.q20")["why"])
print("✓", parameters("interview.q20")["why"].removesuffix(": your answer"))
### END HIDDEN TESTS

# %%
quiz_table(globals().get("answers"))      # your draw, and what you answered (nothing yet before the answer cell runs)

# %% [markdown]
# After grading, the message of each question in your feedback gives its explanation: why the right answer is right,
# and what it was. When you read them, check not only the ones you missed: an answer that was right for the wrong
# reason is the one an interviewer's follow-up question finds.
#
# ## Part 2 — algorithms: five timed drills
#
# "Implement it from scratch" is the classic coding question. Below are five of the course's graded functions,
# with the same contract (the docstring) as in their week, and the same hidden tests: randomized inputs compared
# with scikit-learn, NumPy and `torch`. For each: run the **start** cell, write the function in the next cell
# *without looking back at the week*, run it, then run the **stop** cell. The clock is for you: it is not graded.
# Targets that interviewers use: 10–15 minutes each, and say what you are doing while you type.
#
# | drill | taught in | compared with |
# |---|---|---|
# | `linear_regression_gd` | [week 02 §7](../week02/week02.ipynb) | the formula of full-batch gradient descent, and the least-squares solution |
# | `logistic_fit` | [week 03 §7](../week03/week03.ipynb) | `sklearn.linear_model.LogisticRegression` |
# | `best_split` | [week 03 §8](../week03/week03.ipynb) | `sklearn.tree.DecisionTreeClassifier(max_depth=1)` |
# | `kmeans` | [week 05](../week05/week05.ipynb) | `sklearn.cluster.KMeans` from the same initial centers |
# | `affine_backward` | [week 07 §5](../week07/week07.ipynb) | `torch` autograd |

# %%
class DrillClock:
    """A stopwatch per drill: start(name) before writing, stop(name) after; times() lists them."""

    def __init__(self):
        self.started, self.taken = {}, {}

    def start(self, name):
        self.started[name] = time.perf_counter()
        print(f"⏱ {name}: the clock runs from {time.strftime('%H:%M:%S')}. Write the function in the next cell, "
              "run it, then run the stop cell.")

    def stop(self, name):
        if name not in self.started:
            print(f"{name}: the clock was never started (run its start cell first).")
            return
        self.taken[name] = time.perf_counter() - self.started[name]
        minutes, seconds = divmod(self.taken[name], 60)
        print(f"⏱ {name}: {int(minutes)} min {seconds:.0f} s")

    def times(self):
        return pd.DataFrame({"drill": list(self.taken), "minutes": [t / 60 for t in self.taken.values()]})


clock = DrillClock()

# %% [markdown]
# ### Drill 1 — `linear_regression_gd` (week 02)
#
# Full-batch gradient descent on the mean squared error from $w = 0$: the gradient of
# $\frac1n\lVert Xw - y\rVert^2$ is $\frac2n X^\top(Xw - y)$.

# %%
clock.start("linear_regression_gd")

# %% nbgrader={"grade": false, "grade_id": "drill_linear_regression_gd", "locked": false, "schema_version": 3, "solution": true, "task": false}
def linear_regression_gd(X, y, lr, n_epochs):
    """Least-squares linear regression by full-batch gradient descent on the MSE, from w = 0.

    X        : array of shape (n, d), the design matrix (include a column of ones for an intercept).
    y        : array of shape (n,), the targets.
    lr       : learning rate.
    n_epochs : number of gradient steps (each uses all n examples).
    Returns (w, losses): w of shape (d,) after n_epochs steps; losses of shape (n_epochs + 1,), losses[k] =
    mean((X w_k - y)²) for the weights w_k after k steps (w_0 = 0). Do not modify X or y.
    """
    ### BEGIN SOLUTION
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    n = X.shape[0]
    weights = [np.zeros(X.shape[1])]
    for _ in range(n_epochs):
        w = weights[-1]
        weights.append(w - lr * (2.0 / n) * (X.T @ (X @ w - y)))
    losses = np.array([np.mean((X @ w - y) ** 2) for w in weights])
    return weights[-1], losses
    ### END SOLUTION


# %%
clock.stop("linear_regression_gd")

# %% nbgrader={"grade": true, "grade_id": "drill_linear_regression_gd_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# X = [[1], [2]], y = [2, 4], lr = 0.1, one step: the gradient at w = 0 is (2/2) · (1·(−2) + 2·(−4)) = −10, so
# w_1 = 0.1 · 10 = 1; losses: mean(2², 4²) = 10 at w = 0, mean(1², 2²) = 2.5 at w = 1.
w_drill, losses_drill = linear_regression_gd(np.array([[1.0], [2.0]]), np.array([2.0, 4.0]), 0.1, 1)
expect_close(w_drill, [1.0], rtol=1e-9, name="w after one step",
             slips={"the gradient without the factor 2": [0.5], "a sum instead of a mean in the gradient": [2.0]})
expect_close(losses_drill, [10.0, 2.5], rtol=1e-9, name="losses")
print("✓ public checks passed: linear_regression_gd")

# %% nbgrader={"grade": true, "grade_id": "drill_linear_regression_gd_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: week 02's randomized cases. Try them yourself: check("week02.linear_regression_gd", linear_regression_gd)
### BEGIN HIDDEN TESTS
grade("week02.linear_regression_gd", linear_regression_gd)
### END HIDDEN TESTS

# %% [markdown]
# ### Drill 2 — `logistic_fit` (week 03)
#
# The objective of scikit-learn's `LogisticRegression(C=C)`: $\tfrac12\lVert w\rVert^2 + C\sum_i
# \log(1 + e^{-s_i(w^\top x_i + b)})$ with $s_i = \pm1$. It is strictly convex: Newton's method with a
# backtracking line search converges in a handful of steps (gradient descent would need thousands).

# %%
clock.start("logistic_fit")

# %% nbgrader={"grade": false, "grade_id": "drill_logistic_fit", "locked": false, "schema_version": 3, "solution": true, "task": false}
def logistic_fit(X, y, C=1.0, n_iter=100):
    """L2-regularised logistic regression, the objective of sklearn's LogisticRegression(C=C).

    X : features, shape (n, d).  y : labels, shape (n,), each 0 or 1 (both occur).
    C : inverse regularisation strength (float > 0).  n_iter : the most iterations to take.
    Returns (w, b), w of shape (d,) and b a float, minimising
    0.5 * ||w||² + C * sum_i log_loss_i(w, b)   (b is not penalised).
    """
    ### BEGIN SOLUTION
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    n, d = X.shape
    Z = np.hstack([np.ones((n, 1)), X])                 # the intercept first
    ridge = np.diag(np.r_[0.0, np.ones(d)])            # the intercept is not penalised
    s = 2.0 * y - 1.0

    def loss(theta):
        return 0.5 * theta @ ridge @ theta + C * np.sum(np.logaddexp(0.0, -s * (Z @ theta)))

    theta = np.zeros(d + 1)
    for _ in range(n_iter):
        p = 0.5 * (1.0 + np.tanh(0.5 * (Z @ theta)))   # a sigmoid that never overflows
        g = ridge @ theta + C * Z.T @ (p - y)
        if np.max(np.abs(g)) < 1e-11 * max(1.0, C * n):
            break
        H = ridge + C * Z.T @ (Z * (p * (1.0 - p))[:, None])
        direction = np.linalg.solve(H, g)
        step, before = 1.0, loss(theta)
        while loss(theta - step * direction) > before - 1e-4 * step * (g @ direction) and step > 1e-10:
            step *= 0.5
        theta = theta - step * direction
    return theta[1:], float(theta[0])
    ### END SOLUTION


# %%
clock.stop("logistic_fit")

# %% nbgrader={"grade": true, "grade_id": "drill_logistic_fit_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Two points, x = −1 (label 0) and x = +1 (label 1), C = 1. By symmetry b = 0, and w solves
# w = 2 / (1 + e^w) (the gradient of ½w² + 2 log(1 + e^(−w))): w ≈ 0.674832.
w_logistic, b_logistic = logistic_fit(np.array([[-1.0], [1.0]]), np.array([0, 1]), C=1.0)
expect_close(w_logistic, [0.6748316143], rtol=1e-6, name="w on the two symmetric points")
expect_close(b_logistic, 0.0, atol=1e-7, name="b on the two symmetric points")
print("✓ public checks passed: logistic_fit")

# %% nbgrader={"grade": true, "grade_id": "drill_logistic_fit_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: week 03's randomized cases, compared with scikit-learn's LogisticRegression.
# Try them yourself: check("week03.logistic_fit", logistic_fit)
### BEGIN HIDDEN TESTS
grade("week03.logistic_fit", logistic_fit)
### END HIDDEN TESTS

# %% [markdown]
# ### Drill 3 — `best_split` (week 03)
#
# One node of a decision tree: try every column and every midpoint between consecutive distinct values, and keep
# the split whose children have the smallest size-weighted impurity (Gini $1 - \sum_k p_k^2$ or entropy
# $-\sum_k p_k \log_2 p_k$).

# %%
clock.start("best_split")

# %% nbgrader={"grade": false, "grade_id": "drill_best_split", "locked": false, "schema_version": 3, "solution": true, "task": false}
def best_split(X, y, criterion="gini"):
    """The split of a decision-tree node that minimises the size-weighted impurity of its two children.

    X : features, shape (n, d).  y : integer class labels, shape (n,), at least two classes.
    criterion : "gini" or "entropy".
    Returns (feature, threshold): an int column index and a float threshold, the midpoint between two
    consecutive distinct values of that column; rows with X[:, feature] <= threshold go left.
    """
    ### BEGIN SOLUTION
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    classes = np.unique(y)

    def impurity(labels):
        p = np.array([np.mean(labels == c) for c in classes])
        if criterion == "gini":
            return 1.0 - np.sum(p * p)
        p = p[p > 0]
        return float(-np.sum(p * np.log2(p)))

    best_score, best_feature, best_threshold = np.inf, None, None
    for feature in range(X.shape[1]):
        values = np.unique(X[:, feature])
        for threshold in (values[:-1] + values[1:]) / 2:
            left = X[:, feature] <= threshold
            score = (left.sum() * impurity(y[left]) + (~left).sum() * impurity(y[~left])) / len(y)
            if score < best_score - 1e-12:
                best_score, best_feature, best_threshold = score, feature, float(threshold)
    return best_feature, best_threshold
    ### END SOLUTION


# %%
clock.stop("best_split")

# %% nbgrader={"grade": true, "grade_id": "drill_best_split_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Column 0 is noise, column 1 separates the classes perfectly between 2 and 3: the split is (1, 2.5).
feature_drill, threshold_drill = best_split(np.array([[5.0, 1.0], [1.0, 2.0], [4.0, 3.0], [2.0, 4.0]]),
                                            np.array([0, 0, 1, 1]))
expect_equal(int(feature_drill), 1, name="the feature of the best split")
expect_close(threshold_drill, 2.5, rtol=1e-9, name="the threshold of the best split",
             slips={"a threshold at a data value instead of the midpoint": 2.0})
print("✓ public checks passed: best_split")

# %% nbgrader={"grade": true, "grade_id": "drill_best_split_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: week 03's randomized cases, compared with scikit-learn's DecisionTreeClassifier(max_depth=1)
# (a split exactly as good is accepted). Try them yourself: check("week03.best_split", best_split)
### BEGIN HIDDEN TESTS
grade("week03.best_split", best_split)
### END HIDDEN TESTS

# %% [markdown]
# ### Drill 4 — `kmeans` (week 05)
#
# Lloyd's algorithm: assign each point to its nearest center, move each center to the mean of its points, repeat
# until the assignment stops changing.

# %%
clock.start("kmeans")

# %% nbgrader={"grade": false, "grade_id": "drill_kmeans", "locked": false, "schema_version": 3, "solution": true, "task": false}
def kmeans(X, init, n_iter):
    """Lloyd's k-means from given initial centers.

    X      : data, shape (n, d).
    init   : initial centers, shape (k, d) (not modified).
    n_iter : the maximum number of iterations (assignment + update); stop early when the labels stop changing.
    Returns (centers, labels, inertia): centers (k, d) after the last update, row j the cluster that started at
    init[j]; labels (n,) ints, each point's nearest returned center (ties: the lower index); inertia, the sum of
    squared distances from each point to that center.  A cluster that gets no points keeps its previous center.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    centers = np.asarray(init, dtype=float).copy()

    def nearest(c):
        difference = X[:, None, :] - c[None, :, :]
        distances = np.einsum("nkd,nkd->nk", difference, difference)   # (n, k) squared distances
        return distances.argmin(axis=1), distances

    labels = None
    for _ in range(n_iter):
        new_labels, _ = nearest(centers)
        for j in range(len(centers)):
            if np.any(new_labels == j):
                centers[j] = X[new_labels == j].mean(axis=0)
        if labels is not None and np.array_equal(new_labels, labels):
            break
        labels = new_labels
    labels, distances = nearest(centers)
    return centers, labels, float(distances[np.arange(len(X)), labels].sum())
    ### END SOLUTION


# %%
clock.stop("kmeans")

# %% nbgrader={"grade": true, "grade_id": "drill_kmeans_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Two pairs of points, 10 apart; from centers (0, 0) and (10, 0) the clusters are the pairs, their centers the
# pairs' midpoints, and each point is 0.5 from its center: inertia 4 · 0.25 = 1.
centers_drill, labels_drill, inertia_drill = kmeans(np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]]),
                                                    np.array([[0.0, 0.0], [10.0, 0.0]]), 10)
expect_close(centers_drill, [[0.0, 0.5], [10.0, 0.5]], rtol=1e-9, name="centers")
expect_equal(np.asarray(labels_drill), np.array([0, 0, 1, 1]), name="labels")
expect_close(inertia_drill, 1.0, rtol=1e-9, name="inertia",
             slips={"the sum of distances instead of squared distances": 2.0})
print("✓ public checks passed: kmeans")

# %% nbgrader={"grade": true, "grade_id": "drill_kmeans_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: week 05's randomized cases, compared with scikit-learn's KMeans from the same initial centers.
# Try them yourself: check("week05.kmeans", kmeans)
### BEGIN HIDDEN TESTS
grade("week05.kmeans", kmeans)
### END HIDDEN TESTS

# %% [markdown]
# ### Drill 5 — `affine_backward` (week 07)
#
# The backward pass of $\text{out} = xW + b$: with the upstream gradient `dout` $= \partial L/\partial\,\text{out}$,
# $\partial L/\partial x = \text{dout}\,W^\top$, $\partial L/\partial W = x^\top \text{dout}$, and
# $\partial L/\partial b = \sum_{\text{rows}} \text{dout}$. (Check the shapes: each gradient has the shape of its
# variable.)

# %%
clock.start("affine_backward")

# %% nbgrader={"grade": false, "grade_id": "drill_affine_backward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def affine_backward(dout, x, W):
    """Gradients of an affine layer: dout (N, M), x (N, D), W (D, M) -> (dx (N, D), dW (D, M), db (M,))."""
    ### BEGIN SOLUTION
    dx = np.einsum("nm,dm->nd", dout, W)
    dW = np.einsum("nd,nm->dm", x, dout)
    db = np.einsum("nm->m", dout)
    return dx, dW, db
    ### END SOLUTION


# %%
clock.stop("affine_backward")
clock.times()

# %% nbgrader={"grade": true, "grade_id": "drill_affine_backward_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# One example x = (3, 4, 5), W all ones (3 × 2), dout = (1, 2): dx = dout Wᵀ = (3, 3, 3), dW = xᵀ dout, db = dout.
dx_drill, dW_drill, db_drill = affine_backward(np.array([[1.0, 2.0]]), np.array([[3.0, 4.0, 5.0]]), np.ones((3, 2)))
expect_close(dx_drill, [[3.0, 3.0, 3.0]], rtol=1e-9, name="dx")
expect_close(dW_drill, [[3.0, 6.0], [4.0, 8.0], [5.0, 10.0]], rtol=1e-9, name="dW")
expect_close(db_drill, [1.0, 2.0], rtol=1e-9, name="db")
print("✓ public checks passed: affine_backward")

# %% nbgrader={"grade": true, "grade_id": "drill_affine_backward_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: week 07's randomized cases, compared with torch autograd.
# Try them yourself: check("week07.affine_backward", affine_backward)
### BEGIN HIDDEN TESTS
grade("week07.affine_backward", affine_backward)
### END HIDDEN TESTS

# %% [markdown]
# ## Part 3 — deep learning: derive, explain, count
#
# Three kinds of deep-learning question: a **derivation** at the whiteboard (backpropagation), **explaining**
# architectures (what each is for, what it assumes about the data), and quick **arithmetic** on shapes and
# parameter counts, which interviewers use to see whether you have really built networks.

# %% [markdown] nbgrader={"grade": false, "grade_id": "backprop_derivation_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Q3.1 (written, 4 points, graded by a person).** A two-layer network for $K$ classes takes $x \in \mathbb R^D$ to
# $h = \mathrm{ReLU}(W_1 x + b_1)$, then to logits $z = W_2 h + b_2$, probabilities $p = \mathrm{softmax}(z)$ and the
# loss $L = -\log p_y$ for the true class $y$. Derive $\partial L/\partial z$, $\partial L/\partial W_2$,
# $\partial L/\partial h$, $\partial L/\partial W_1$ and $\partial L/\partial b_1$, and say in one sentence why
# backpropagation computes all of them at about the cost of one forward pass.
#
# *Rubric (4 points):* 1 — $\partial L/\partial z = p - e_y$ (one-hot $e_y$), with a line of working;
# 1 — $\partial L/\partial W_2 = (p - e_y)\,h^\top$ and $\partial L/\partial h = W_2^\top (p - e_y)$ with the
# shapes right; 1 — the ReLU's gradient as a mask, $\partial L/\partial a = \partial L/\partial h \odot
# \mathbb 1[a > 0]$ for $a = W_1 x + b_1$, then $\partial L/\partial W_1 = (\partial L/\partial a)\,x^\top$ and
# $\partial L/\partial b_1 = \partial L/\partial a$; 1 — the cost argument (reverse mode reuses each upstream
# gradient once per edge of the graph: one backward sweep costs a small constant times the forward pass, whatever
# the number of parameters). Write your answer in the cell below (LaTeX with `$…$` is welcome).

# %% [markdown] tags=["model-answer-in-feedback"] nbgrader={"grade": true, "grade_id": "backprop_derivation", "locked": false, "points": 4, "schema_version": 3, "solution": true, "task": false}
# *Model answer.* With $p_k = e^{z_k}/\sum_j e^{z_j}$ and $L = -z_y + \log\sum_j e^{z_j}$:
# $\partial L/\partial z_k = -\mathbb 1[k = y] + p_k$, so $\delta_2 := \partial L/\partial z = p - e_y$ ($K$-vector).
# Since $z = W_2 h + b_2$: $\partial L/\partial W_2 = \delta_2 h^\top$ ($K \times H$), $\partial L/\partial b_2 =
# \delta_2$, and $\partial L/\partial h = W_2^\top \delta_2$ ($H$-vector). With $a = W_1 x + b_1$ and $h =
# \max(a, 0)$, $\partial h_i/\partial a_i = \mathbb 1[a_i > 0]$, so $\delta_1 := \partial L/\partial a =
# (W_2^\top\delta_2) \odot \mathbb 1[a > 0]$, and $\partial L/\partial W_1 = \delta_1 x^\top$ ($H \times D$),
# $\partial L/\partial b_1 = \delta_1$. For a batch the outer products become matrix products summed (or averaged)
# over the examples. Cost: the backward sweep visits each operation once, in reverse, multiplying the gradient that
# arrives by a local Jacobian it already knows (reusing $h$, $a$, $p$ stored by the forward pass), so computing
# every gradient costs a small constant times one forward pass (reverse-mode automatic differentiation), where
# finite differences would need one forward pass per parameter.

# %% [markdown] nbgrader={"grade": false, "grade_id": "five_architectures_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Q3.2 (written, 5 points, graded by a person).** Explain five architectures as you would to an interviewer, in
# two or three sentences each: the **multilayer perceptron**, the **convolutional network**, the **recurrent
# network / LSTM**, the **transformer**, and the **autoencoder** (or VAE). For each: what data it suits, the
# assumption (inductive bias) that makes it work there, and one weakness.
#
# *Rubric (5 points, 1 per architecture):* the point needs all three parts — the data it suits, the inductive bias
# (MLP: none beyond smoothness, every input connected to every unit; CNN: locality and translation equivariance by
# weight sharing, pooling for some invariance; RNN/LSTM: a state carried through time, the same weights at every
# step, gates against vanishing gradients; transformer: attention lets every position read every other, order only
# through positional encodings; autoencoder: a bottleneck forces a compact code, the VAE making it a distribution),
# and a real weakness (e.g. MLP: parameters grow with the input size; CNN: needs pooling or depth for a global
# view; RNN: sequential, slow to train, long-range memory still hard; transformer: cost quadratic in the sequence
# length, data-hungry; autoencoder: reconstructions blurry / the code need not be useful for a given task).

# %% [markdown] tags=["model-answer-in-feedback"] nbgrader={"grade": true, "grade_id": "five_architectures", "locked": false, "points": 5, "schema_version": 3, "solution": true, "task": false}
# *Model answer.* **MLP**: stacked affine maps and non-linearities for tabular vectors of fixed size; it assumes
# nothing about the order of its inputs (every input meets every unit), so it is a universal approximator but
# parameter-hungry and blind to image or sequence structure. **CNN**: for images, audio, any grid; small filters
# slid over the input share weights (locality, translation equivariance), pooling and depth grow the receptive
# field; weak where the relevant structure is global or not grid-like. **RNN / LSTM**: for sequences; the same cell
# updates a hidden state at every step, the LSTM's gates (input, forget, output) keep a cell state whose gradient
# does not vanish; processing is sequential (slow on GPUs) and very long memories are still hard. **Transformer**:
# for sequences and sets (text, and images as patches); self-attention lets every token weigh every other in one
# step, with positional encodings to say where each token is; cost and memory grow with the square of the sequence
# length, and it needs much data (its bias is weak). **Autoencoder / VAE**: for unsupervised representation
# learning, denoising, anomaly detection; an encoder squeezes the input through a bottleneck and a decoder
# reconstructs it; a VAE makes the code a distribution with a KL penalty so that decoding samples generates new
# data; reconstructions tend to be blurry and the code is not guaranteed to be useful for a downstream task.

# %% [markdown]
# ### Shapes and parameter counts
#
# Four functions, each compared with a real `torch.nn` layer on random sizes when the notebook is graded. The
# formulas (with a square kernel $k$, stride $s$, padding $p$):
#
# - **Conv2d output size**: $\lfloor (H + 2p - k)/s \rfloor + 1$ (and the same for $W$); the channels become the
#   number of filters.
# - **Conv2d parameters**: each of the $C_\text{out}$ filters has $C_\text{in} k^2$ weights, plus one bias each.
# - **LSTM parameters**: four gates, each an affine map of $[x_t, h_{t-1}]$: $4H(D + H)$ weights per layer, where
#   $D$ is the input size of the first layer and $H$ that of the later ones; PyTorch keeps **two** bias vectors per
#   layer ($b_{ih}$ and $b_{hh}$), $8H$ biases (Keras keeps one, $4H$: a classic source of off-by-$4H$ answers).
# - **Multi-head attention parameters**: the query, key and value projections and the output projection are each
#   $E \times E$ (plus $E$ biases): $4E^2 + 4E$. The **number of heads does not change the count**: the heads split
#   the $E$ dimensions between them.

# %% nbgrader={"grade": false, "grade_id": "conv2d_output_shape", "locked": false, "schema_version": 3, "solution": true, "task": false}
def conv2d_output_shape(input_shape, out_channels, kernel_size, stride=1, padding=0):
    """The shape of nn.Conv2d(C_in, out_channels, kernel_size, stride, padding) applied to input_shape.

    input_shape : a tuple (N, C_in, H, W); kernel_size, stride, padding : ints (the same along H and W).
    Returns a tuple of four ints (N, out_channels, H_out, W_out).
    """
    ### BEGIN SOLUTION
    n, _, height, width = input_shape
    def size(length):
        return (length + 2 * padding - kernel_size) // stride + 1
    return (int(n), int(out_channels), int(size(height)), int(size(width)))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "conv2d_output_shape_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# A 32 × 32 RGB image, 16 filters of 5 × 5, stride 2, padding 2: (32 + 4 − 5) // 2 + 1 = 15 + 1 = 16.
expect_close(conv2d_output_shape((1, 3, 32, 32), 16, 5, 2, 2), (1, 16, 16, 16), name="conv2d_output_shape",
             slips={"rounding up instead of down": (1, 16, 17, 17),
                    "leaving out the padding": (1, 16, 14, 14),
                    "leaving out the + 1": (1, 16, 15, 15)})
# "Same" padding: a 3 × 3 kernel with padding 1 and stride 1 keeps the size.
expect_equal(tuple(conv2d_output_shape((8, 64, 28, 28), 64, 3, 1, 1)), (8, 64, 28, 28), name="a 'same' convolution")
print("✓ public checks passed: conv2d_output_shape")

# %% nbgrader={"grade": true, "grade_id": "conv2d_output_shape_hidden", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random inputs, kernels, strides and paddings, compared with the output of torch.nn.Conv2d.
# Try them yourself now: check("interview.conv2d_output_shape", conv2d_output_shape)
### BEGIN HIDDEN TESTS
grade("interview.conv2d_output_shape", conv2d_output_shape)
### END HIDDEN TESTS

# %% nbgrader={"grade": false, "grade_id": "conv2d_parameters", "locked": false, "schema_version": 3, "solution": true, "task": false}
def conv2d_parameters(in_channels, out_channels, kernel_size, bias=True):
    """The number of parameters of nn.Conv2d(in_channels, out_channels, kernel_size, bias=bias) (square kernel)."""
    ### BEGIN SOLUTION
    weights = out_channels * in_channels * kernel_size * kernel_size
    return int(weights + (out_channels if bias else 0))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "conv2d_parameters_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# VGG's first layer: 64 filters of 3 × 3 × 3, and 64 biases: 64 · 27 + 64 = 1792.
expect_close(conv2d_parameters(3, 64, 3, True), 1792, name="conv2d_parameters(3, 64, 3)",
             slips={"leaving out the biases": 1728, "forgetting that a filter spans every input channel": 640})
expect_close(conv2d_parameters(64, 128, 1, False), 8192, name="a 1 × 1 convolution without bias")
print("✓ public checks passed: conv2d_parameters")

# %% nbgrader={"grade": true, "grade_id": "conv2d_parameters_hidden", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random layers, compared with sum(p.numel() for p in torch.nn.Conv2d(...).parameters()).
# Try them yourself now: check("interview.conv2d_parameters", conv2d_parameters)
### BEGIN HIDDEN TESTS
grade("interview.conv2d_parameters", conv2d_parameters)
### END HIDDEN TESTS

# %% nbgrader={"grade": false, "grade_id": "lstm_parameters", "locked": false, "schema_version": 3, "solution": true, "task": false}
def lstm_parameters(input_size, hidden_size, num_layers=1, bias=True):
    """The number of parameters of torch's nn.LSTM(input_size, hidden_size, num_layers, bias=bias)."""
    ### BEGIN SOLUTION
    total = 0
    for layer in range(num_layers):
        inputs = input_size if layer == 0 else hidden_size
        total += 4 * hidden_size * (inputs + hidden_size)       # W_ih and W_hh of the four gates
        if bias:
            total += 2 * 4 * hidden_size                         # b_ih and b_hh
    return int(total)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "lstm_parameters_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# LSTM(10, 20): 4 · 20 · (10 + 20) = 2400 weights and 2 · 4 · 20 = 160 biases.
expect_close(lstm_parameters(10, 20, 1, True), 2560, name="lstm_parameters(10, 20)",
             slips={"one bias vector per gate, as Keras counts": 2480,
                    "a single gate instead of four": 640,
                    "leaving out the recurrent weights W_hh": 960})
# Three layers: the second and third take the 16 hidden units as their input, not the 8 input features.
expect_close(lstm_parameters(8, 16, 3, True), 6016, name="lstm_parameters(8, 16, num_layers=3)",
             slips={"giving every layer input_size inputs": 4992})
print("✓ public checks passed: lstm_parameters")

# %% nbgrader={"grade": true, "grade_id": "lstm_parameters_hidden", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random sizes, 1 to 3 layers, with and without biases, compared with torch.nn.LSTM's parameters.
# Try them yourself now: check("interview.lstm_parameters", lstm_parameters)
### BEGIN HIDDEN TESTS
grade("interview.lstm_parameters", lstm_parameters)
### END HIDDEN TESTS

# %% nbgrader={"grade": false, "grade_id": "attention_parameters", "locked": false, "schema_version": 3, "solution": true, "task": false}
def attention_parameters(embed_dim, num_heads, bias=True):
    """The number of parameters of nn.MultiheadAttention(embed_dim, num_heads, bias=bias) (num_heads divides
    embed_dim)."""
    ### BEGIN SOLUTION
    projections = 4                              # queries, keys, values, and the output
    return int(projections * embed_dim * embed_dim + (projections * embed_dim if bias else 0))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "attention_parameters_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# The original transformer's attention: E = 512, 8 heads: 4 · 512² + 4 · 512 = 1 050 624.
expect_close(attention_parameters(512, 8, True), 1050624, name="attention_parameters(512, 8)",
             slips={"leaving out the output projection": 787968,
                    "giving each head its own full-size projections": 6566400,
                    "leaving out the biases": 1048576})
expect_close(attention_parameters(512, 1, True), 1050624, name="one head: the same count")
print("✓ public checks passed: attention_parameters")

# %% nbgrader={"grade": true, "grade_id": "attention_parameters_hidden", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random widths and numbers of heads, compared with torch.nn.MultiheadAttention's parameters.
# Try them yourself now: check("interview.attention_parameters", attention_parameters)
### BEGIN HIDDEN TESTS
grade("interview.attention_parameters", attention_parameters)
### END HIDDEN TESTS

# %% [markdown]
# Put together, the counts say where a network's parameters live. A small image classifier, counted with your
# functions (with the references until they are written):

# %%
from course.exercises.interview import (reference_attention_parameters, reference_conv2d_parameters,
                                        reference_lstm_parameters)


def mine_or_reference(function, reference, **sizes):
    """Your function's count when it is written; the torch reference's until then."""
    try:
        return function(**sizes)
    except NotImplementedError:
        return reference(sizes)


budget = pd.DataFrame([
    {"layer": "Conv2d(3, 32, 3)", "parameters": mine_or_reference(conv2d_parameters, reference_conv2d_parameters,
                                                                  in_channels=3, out_channels=32, kernel_size=3, bias=True)},
    {"layer": "Conv2d(32, 64, 3)", "parameters": mine_or_reference(conv2d_parameters, reference_conv2d_parameters,
                                                                   in_channels=32, out_channels=64, kernel_size=3, bias=True)},
    {"layer": "Linear(64·8·8, 10)", "parameters": 64 * 8 * 8 * 10 + 10},
    {"layer": "LSTM(64, 128), for comparison", "parameters": mine_or_reference(
        lstm_parameters, reference_lstm_parameters, input_size=64, hidden_size=128, num_layers=1, bias=True)},
    {"layer": "MultiheadAttention(128, 4), for comparison", "parameters": mine_or_reference(
        attention_parameters, reference_attention_parameters, embed_dim=128, num_heads=4, bias=True)},
]).set_index("layer")
budget

# %% [markdown]
# The dense layer after the convolutions holds more parameters than both convolutions together (40 970 against
# 19 392): weight sharing is why convolutions are cheap, and why modern networks end with global average pooling
# instead of a large dense layer.
#
# ## Part 4 — ML system design: five prompts
#
# A design interview gives an open problem and watches how you structure it. A good answer walks through the same
# steps every time: **the goal and its metric** (business and offline), **data** (sources, labels, leakage),
# **the model** (start with a baseline), **serving** (batch or real time, latency budget, scale), and
# **monitoring** (drift, delayed labels, retraining). Each prompt below names the production challenge it probes;
# write an answer of about 150–250 words. Each is worth 2 points: 1 for a structure that covers the five steps,
# 1 for handling the named challenge concretely (numbers, a mechanism, a trade-off). The course teaches the tools:
# [week 11](../week11/week11.ipynb) (serving, latency, batching) and [week 12](../week12/week12.ipynb) (monitoring,
# drift, retraining).

# %% [markdown] nbgrader={"grade": false, "grade_id": "design_fraud_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **D1 (written, 2 points) — latency and imbalance.** Design a card-fraud detector that must approve or block a
# payment within 100 ms, where 0.1 % of payments are fraud and the label (a chargeback) arrives weeks later.
#
# *Rubric:* 1 — goal and metric (cost-weighted: money lost vs customers blocked; precision at a fixed review
# capacity or recall at a fixed false-positive rate, not accuracy), features and labels, baseline, serving,
# monitoring; 1 — the named challenges handled: a latency budget split (feature lookup from an online store, a
# small model such as gradient-boosted trees, p99 not the mean), the imbalance (class weights or a threshold from
# the costs, validation by time), and the delayed labels (proxy signals, monitoring input drift meanwhile).

# %% [markdown] tags=["model-answer-in-feedback"] nbgrader={"grade": true, "grade_id": "design_fraud", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# *Model answer.* Goal: minimise fraud losses plus the cost of blocking good customers; offline metric the precision–
# recall curve and the expected cost at the chosen threshold, with the threshold set from the two costs (a missed
# fraud costs the amount, a false block perhaps a few euros of goodwill). Data: payment features (amount, merchant
# category, country), customer history aggregates (spend in the last hour and day, new device), labels from
# chargebacks; split by time, never at random, and compute aggregates only from the past (no leakage). Model: a
# rules baseline, then gradient-boosted trees with class weights; calibrate the scores. Serving: the 100 ms budget is
# mostly feature lookup, so precompute the aggregates in a streaming job into an online store (a key-value read of
# a few ms), score in-process (trees take well under 1 ms), measure p99 latency, and fall back to the rules if the
# model times out. Monitoring: labels arrive weeks late, so watch input drift (PSI/KS per feature), the score
# distribution and the block rate daily, and the precision on the early proxy of manual reviews; retrain weekly on
# the newest labelled window and ship after a shadow period.

# %% [markdown] nbgrader={"grade": false, "grade_id": "design_recommender_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **D2 (written, 2 points) — scaling.** Design the "recommended for you" row of a video site with 50 million users
# and 10 million videos; the page must render in 200 ms.
#
# *Rubric:* 1 — goal and metric (watch time or long-term engagement online; recall@k / NDCG offline), data (implicit
# feedback, position bias), baseline (popularity), serving, monitoring; 1 — scale handled concretely: a two-stage
# system (cheap candidate generation, e.g. embeddings with approximate nearest neighbours over millions of items,
# then a heavier ranker over a few hundred), precomputation and caching, cold start for new users and videos.

# %% [markdown] tags=["model-answer-in-feedback"] nbgrader={"grade": true, "grade_id": "design_recommender", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# *Model answer.* Goal: long-term watch time and satisfaction, not clicks alone (clickbait); offline, recall@k for
# candidates and NDCG for the ranking, on a later time window; online, an A/B test. Data: impressions, plays, watch
# time, skips; correct for position bias (items shown first get clicked more). Baseline: most popular in the user's
# region and language. Model: two stages, because scoring 10 million videos per request is impossible in 200 ms.
# Candidate generation: a two-tower model embeds users and videos, an approximate-nearest-neighbour index (HNSW or
# IVF) returns ~500 candidates in a few ms, together with other sources (subscriptions, trending). Ranking: a
# heavier model (boosted trees or a small network with cross features) scores the 500. Scale: video embeddings and
# the index rebuilt daily offline; user embeddings updated from recent activity in a streaming job; the results
# cached per user for minutes; the ranker replicated behind a load balancer. Cold start: new videos get exploration
# traffic and content-based embeddings; new users get popularity and onboarding choices. Monitoring: coverage and
# diversity of what is shown, candidate recall, latency percentiles, and engagement by segment.

# %% [markdown] nbgrader={"grade": false, "grade_id": "design_drift_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **D3 (written, 2 points) — drift.** A credit-scoring model trained two years ago is still in production. How do you
# find out whether it has degraded, and what do you do about it?
#
# *Rubric:* 1 — structure: what to monitor (inputs, predictions, outcomes), the labels' delay (a default shows up
# months later), baselines and thresholds, the response; 1 — drift handled concretely: kinds of drift (covariate,
# prior, concept), statistics (PSI or KS per feature, with a threshold and a window), performance on the labelled
# cohorts, a retraining and validation procedure (time-based backtest, champion–challenger, fairness checks).

# %% [markdown] tags=["model-answer-in-feedback"] nbgrader={"grade": true, "grade_id": "design_drift", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# *Model answer.* Three things can change: the applicants (covariate drift: incomes, ages, channels), the base rate
# of default (prior drift: a recession), and the relation between them (concept drift: the same profile now defaults
# more often). Monitor all three layers. Inputs: compare each feature's distribution in the last month with the
# training data using PSI (alarm above about 0.25) or a KS test, corrected for the number of features and windows
# so that alarms are rare when nothing changed. Predictions: the score distribution and the approval rate. Outcomes:
# defaults are known only after months, so evaluate the AUC and the calibration (predicted vs observed default rate
# per score band) on each cohort once it matures, and track early proxies (missed first payments). When drift is
# found, first check for a data bug (a changed field, a new source). Then retrain on recent data, validate by a
# backtest on the most recent matured cohorts, compare the challenger with the champion (also on fairness across
# groups, which regulation requires), run it in shadow mode, and ship with the monitoring thresholds re-based.
# Schedule periodic retraining as well, and keep the training data and model versions for audit.

# %% [markdown] nbgrader={"grade": false, "grade_id": "design_latency_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **D4 (written, 2 points) — latency.** Search autocomplete: suggest completions as the user types, at most 50 ms
# per keystroke at the 99th percentile, 20 000 requests per second at peak.
#
# *Rubric:* 1 — structure (goal: keystrokes saved or suggestion acceptance; data: query logs; baseline: most
# frequent completions of the prefix; serving; monitoring); 1 — latency handled concretely: a budget per step,
# precomputed prefix → top-k tables (a trie) for the common prefixes, a small model re-ranking only a few
# candidates, caching, p99 measured under load, batching only if it fits the budget, a fallback.

# %% [markdown] tags=["model-answer-in-feedback"] nbgrader={"grade": true, "grade_id": "design_latency", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# *Model answer.* Goal: the share of searches where a suggestion is accepted, and keystrokes saved; offline, mean
# reciprocal rank of the query the user finally typed. Data: query logs with their prefixes, filtered for privacy and
# offensive content. Baseline and backbone: a trie (or a sorted table) mapping each prefix to its top completions by
# frequency, with recency decay, built offline every hour; a lookup takes microseconds and serves most traffic from
# memory. The 50 ms p99 budget: ~10 ms network, a few ms lookup, ~10 ms for a light re-ranker (personalisation,
# location, trends) over the top 20 candidates only, the rest headroom for tail latency. At 20 000 requests per
# second: replicate the tables across stateless servers behind a load balancer, cache the hottest prefixes at the
# edge, and drop requests for stale keystrokes (the user has typed on). Micro-batching the re-ranker helps
# throughput only if its queueing delay fits the budget. Measure p50/p99 under a load test, not the mean, and fall
# back to the frequency table when the re-ranker is slow. Monitoring: latency percentiles, acceptance rate, and new
# queries (a news event) that the hourly rebuild has not seen yet.

# %% [markdown] nbgrader={"grade": false, "grade_id": "design_pipeline_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **D5 (written, 2 points) — training–serving skew.** A demand-forecasting model scores well offline but badly in
# production from its first day. What could be wrong, and how would you design the pipeline so it cannot happen?
#
# *Rubric:* 1 — a structured diagnosis (compare the features the model sees online with those it was trained on,
# for the same rows; check the data's timing; check the model version); 1 — concrete causes and fixes: features
# computed by two code paths (use one feature definition / a feature store), leakage of future information offline
# (point-in-time joins), different preprocessing or defaults online, and CI/CD tests that replay logged requests.

# %% [markdown] tags=["model-answer-in-feedback"] nbgrader={"grade": true, "grade_id": "design_pipeline", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# *Model answer.* Bad from day one points to training–serving skew, not drift. Diagnosis: log the features the
# service actually receives, recompute the offline features for the same stores and days, and compare them column
# by column; the first mismatching column is usually the culprit. Typical causes: the offline features were computed
# with information not available at prediction time (the day's final sales joined instead of sales up to the
# morning: leakage, which also explains the flattering offline score); the online code re-implements a feature
# differently (a rolling mean over 7 rows vs 7 days, a different time zone, missing values filled with 0 instead of
# the training median); a category unseen in training; or an older model version deployed. Design so it cannot
# happen: one definition of each feature used by both training and serving (a feature store with point-in-time
# correct joins for training sets); the preprocessing saved inside the model artifact (a pipeline, not separate
# scripts); validation of requests against the training schema; CI tests that replay a day of logged requests
# through the packaged model and compare with the offline predictions; and a shadow deployment before switching
# traffic.

# %% [markdown]
# Your feedback says "to be graded by hand" for these cells until a person has graded them, with their comments.
#
# ## Part 5 — must-know for interviews
#
# The source's list. For each: where the course teaches it, and a self-check to answer aloud before opening the
# answer.
#
# | must-know | where the course teaches it |
# |---|---|
# | Explain gradient descent (vanilla, SGD, Adam) | [week 01 §9](../week01/week01.ipynb), [week 02 §8](../week02/week02.ipynb), [week 07 §8](../week07/week07.ipynb) |
# | Bias–variance trade-off with examples | [week 03 §4](../week03/week03.ipynb), [week 04 §1](../week04/week04.ipynb) |
# | Regularisation techniques (L1, L2, dropout) | [week 03 §3](../week03/week03.ipynb), [week 08 §6](../week08/week08.ipynb) |
# | When to use each algorithm type | [week 04 §10](../week04/week04.ipynb) |
# | How to handle imbalanced data | [the pitfalls lab §2](../pitfalls/pitfalls.ipynb), [week 04 §9](../week04/week04.ipynb) |
# | Model evaluation metrics for different tasks | [the metrics reference](../metrics/metrics.ipynb), [week 03 §5, §9](../week03/week03.ipynb) |
# | Production ML challenges (drift, scaling, latency) | [week 11 §9–10](../week11/week11.ipynb), [week 12 §2–7](../week12/week12.ipynb), [the pitfalls lab §11–13](../pitfalls/pitfalls.ipynb) |
#
# **Self-checks** (click to open each answer):
#
# <details><summary>Gradient descent: why can SGD with a larger batch take a larger learning rate, and what does Adam's first step look like?</summary>
# A larger batch averages more examples, so its gradient estimate has less variance (∝ 1/batch size) and a larger
# step stays stable. Adam divides the bias-corrected first moment by the root of the second: its first step is
# lr · g / (|g| + ε) ≈ lr · sign(g), the same size whatever the gradient's scale (the checkpoint's Q1 asks it).
# </details>
#
# <details><summary>Bias–variance: give an example of a high-bias and a high-variance model on the same data.</summary>
# A straight line fitted to a sine curve is biased (it misses the curve on every training set); a degree-15
# polynomial on 20 points is high-variance (it fits each training set's noise, and changes wildly between training
# sets). Ridge, bagging and more data move the second towards the middle.
# </details>
#
# <details><summary>Regularisation: why does L1 give sparse weights and L2 not, and what does dropout do at test time?</summary>
# The L1 penalty has a corner at 0: for a small enough gradient of the data term the optimum sits exactly on it; L2
# is smooth at 0 and only shrinks. Inverted dropout scales the kept units by 1/(1 − p) during training, so at test
# time it does nothing (all units, no scaling).
# </details>
#
# <details><summary>Algorithms: tabular data with 10 000 rows and mixed feature types — what do you try first, and why?</summary>
# A regularised linear model as a baseline, then gradient-boosted trees: trees need no scaling, handle mixed types
# and interactions, and boosted trees are usually the strongest on tabular data; neural networks pay off with
# images, text, audio, or very large data.
# </details>
#
# <details><summary>Imbalanced data: name three remedies and the trap that goes with resampling.</summary>
# Class weights (or a cost-based threshold), resampling (under-, over-sampling, SMOTE), and a metric that looks at
# the positives (precision–recall, average precision). Resample only inside the training folds: resampling before
# the split leaks copies of validation rows into training.
# </details>
#
# <details><summary>Metrics: which metric for a medical screening test, a search ranking, a house-price model?</summary>
# Screening: recall (sensitivity) at an acceptable false-positive rate, or the PR curve when the condition is rare;
# ranking: NDCG or precision@k; house prices: MAE or RMSE in money (RMSE punishes large errors more), MAPE if
# relative errors matter.
# </details>
#
# <details><summary>Production: what is the difference between data drift and concept drift, and how do you detect each?</summary>
# Data (covariate) drift: P(x) changes — detectable without labels, e.g. PSI or a KS test per feature. Concept
# drift: P(y | x) changes — visible only in the performance once labels arrive (or in proxies), so monitor outcomes
# with their delay and retrain on recent data.
# </details>
#
# ## Part 6 — checkpoint
#
# Two questions, checked when the notebook is graded (the cell under each answer only checks its format).

# %% [markdown]
# **Q1.** Adam's first step, with your own numbers (printed by the cell below).

# %%
show_question("interview.checkpoint_q1")

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q1", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q1_answer to a number.
### BEGIN SOLUTION
q1 = parameters("interview.checkpoint_q1")            # your numbers: {"w0": ..., "lr": ..., "g": ...}
m_hat = (1 - 0.9) * q1["g"] / (1 - 0.9)               # the bias-corrected first moment: g itself
v_hat = (1 - 0.999) * q1["g"] ** 2 / (1 - 0.999)      # the bias-corrected second moment: g²
q1_answer = q1["w0"] - q1["lr"] * m_hat / (np.sqrt(v_hat) + 1e-8)
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q1_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a number; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q1_answer, (int, float, np.integer, np.floating)) and not isinstance(q1_answer, bool),
            f"q1_answer should be a number such as 1.5; got {q1_answer!r}.", name="q1_answer is a number")
print("q1_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_close(q1_answer, variant_answer("interview.checkpoint_q1"), name="the answer to question 1 (q1_answer)",
             rtol=1e-4)
### END HIDDEN TESTS

# %% [markdown]
# **Q2.** In the explorer of Part 1, you lower the share of positives from 20 % to 2 % and keep the threshold and
# the separation. Which curve changes?
#
# - (a) Both the ROC curve and the precision–recall curve move down.
# - (b) The precision–recall curve moves down; the ROC curve stays where it is.
# - (c) The ROC curve moves down; the precision–recall curve stays where it is.
# - (d) Neither: both are properties of the classifier alone.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q2", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q2_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q2_answer = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q2_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q2_answer, str) and q2_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q2_answer should be one of the letters "a", "b", "c", "d"; got {q2_answer!r}.',
            name="q2_answer is one of the letters a, b, c, d")
print("q2_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q2_answer, "b", name="the answer to question 2 (q2_answer)")
### END HIDDEN TESTS

# %% [markdown]
# ## Summary
#
# * **Fundamentals**: diagnose bias and variance from the training and validation errors; error = bias² + variance
#   + noise; averaging cuts variance (down to ρv for correlated models); cross-validate the way the model will be
#   used (by time, by group); on imbalanced data compare with the majority baseline and look at precision and
#   recall, not accuracy.
# * **Algorithms**: five from-scratch drills, checked by the weeks' own hidden tests; practise until each takes
#   under fifteen minutes, explaining as you go.
# * **Deep learning**: $\partial L/\partial z = p - e_y$ starts every classifier's backward pass; a Conv2d has
#   $C_\text{out}(C_\text{in}k^2 + 1)$ parameters, an LSTM $4H(D + H) + 8H$ per layer in PyTorch, multi-head
#   attention $4E^2 + 4E$ whatever the number of heads.
# * **System design**: goal and metric, data, baseline model, serving, monitoring — and for each prompt the named
#   challenge handled with numbers.

# %%
print(f"the whole notebook ran in {time.perf_counter() - notebook_started:.0f} s")
