#!/usr/bin/env python3
"""A seeded LUBM-like university graph as N-Triples, for the SPARQL benchmark: typed entities
(universities, departments, professors, lecturers, students, courses, publications) and literal
attributes (names, e-mail addresses, telephones, ages), in LUBM's vocabulary (univ-bench) and IRI
scheme, so that LUBM's classic query shapes run on it (without inference: types are explicit).

    python3 Benchmarks/gen_university.py --universities 8 --seed 42 --out bench-data/univ8.nt
"""
import argparse
import random

UB = "http://swat.cse.lehigh.edu/onto/univ-bench.owl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_INT = "http://www.w3.org/2001/XMLSchema#integer"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--universities", type=int, default=8)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    out = open(a.out, "w")
    count = 0

    def t(s, p, o):
        nonlocal count
        out.write(f"<{s}> <{p}> {o} .\n")
        count += 1

    def iri(x):
        return f"<{x}>"

    def lit(x):
        return '"' + x + '"'

    universities = [f"http://www.University{u}.edu" for u in range(a.universities)]
    for u, univ in enumerate(universities):
        t(univ, RDF_TYPE, iri(UB + "University"))
        t(univ, UB + "name", lit(f"University{u}"))
        for d in range(rng.randint(12, 20)):
            dept = f"http://www.Department{d}.University{u}.edu"
            t(dept, RDF_TYPE, iri(UB + "Department"))
            t(dept, UB + "name", lit(f"Department{d}"))
            t(dept, UB + "subOrganizationOf", iri(univ))
            faculty, courses, grad_courses = [], [], []
            for kind, n in (("FullProfessor", rng.randint(7, 10)), ("AssociateProfessor", rng.randint(10, 14)),
                            ("AssistantProfessor", rng.randint(8, 11)), ("Lecturer", rng.randint(5, 7))):
                for i in range(n):
                    f = f"{dept}/{kind}{i}"
                    faculty.append((kind, f))
                    t(f, RDF_TYPE, iri(UB + kind))
                    t(f, UB + "worksFor", iri(dept))
                    t(f, UB + "name", lit(f"{kind}{i}"))
                    t(f, UB + "emailAddress", lit(f"{kind}{i}@Department{d}.University{u}.edu"))
                    t(f, UB + "telephone", lit(f"xxx-xxx-{rng.randint(1000, 9999)}"))
                    if kind != "Lecturer":
                        t(f, UB + "doctoralDegreeFrom", iri(rng.choice(universities)))
                    for c in range(rng.randint(1, 2)):
                        course = f"{dept}/Course{len(courses)}"
                        courses.append(course)
                        t(course, RDF_TYPE, iri(UB + "Course"))
                        t(course, UB + "name", lit(f"Course{len(courses) - 1}"))
                        t(f, UB + "teacherOf", iri(course))
                    if kind != "Lecturer":
                        course = f"{dept}/GraduateCourse{len(grad_courses)}"
                        grad_courses.append(course)
                        t(course, RDF_TYPE, iri(UB + "GraduateCourse"))
                        t(course, UB + "name", lit(f"GraduateCourse{len(grad_courses) - 1}"))
                        t(f, UB + "teacherOf", iri(course))
                    for p in range(rng.randint(2, 8)):
                        pub = f"{f}/Publication{p}"
                        t(pub, RDF_TYPE, iri(UB + "Publication"))
                        t(pub, UB + "publicationAuthor", iri(f))
            professors = [f for kind, f in faculty if kind != "Lecturer"]
            for i in range(len(faculty) * rng.randint(8, 14)):
                s = f"{dept}/UndergraduateStudent{i}"
                t(s, RDF_TYPE, iri(UB + "UndergraduateStudent"))
                t(s, UB + "memberOf", iri(dept))
                t(s, UB + "name", lit(f"UndergraduateStudent{i}"))
                t(s, UB + "age", f'"{rng.randint(17, 26)}"^^<{XSD_INT}>')
                for c in rng.sample(courses, min(len(courses), rng.randint(2, 4))):
                    t(s, UB + "takesCourse", iri(c))
                if rng.random() < 0.2:
                    t(s, UB + "advisor", iri(rng.choice(professors)))
            for i in range(len(faculty) * rng.randint(3, 4)):
                s = f"{dept}/GraduateStudent{i}"
                t(s, RDF_TYPE, iri(UB + "GraduateStudent"))
                t(s, UB + "memberOf", iri(dept))
                t(s, UB + "name", lit(f"GraduateStudent{i}"))
                t(s, UB + "age", f'"{rng.randint(22, 40)}"^^<{XSD_INT}>')
                t(s, UB + "undergraduateDegreeFrom", iri(rng.choice(universities)))
                t(s, UB + "advisor", iri(rng.choice(professors)))
                for c in rng.sample(grad_courses, min(len(grad_courses), rng.randint(1, 3))):
                    t(s, UB + "takesCourse", iri(c))
    out.close()
    print(f"{count} triples")


if __name__ == "__main__":
    main()
